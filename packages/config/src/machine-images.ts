// The pinned Amazon Linux images as `pnpm ami:update` writes them (machine-images.json), and the
// public parameters it reads them from.
import { MACHINE_ARCHITECTURES, type MachineArchitecture, type MachineImageSettings } from './define-project.ts';

/** AWS's public SSM parameter holding the latest Amazon Linux 2023 image (default kernel) of an architecture. */
export const latestAl2023Parameter = (arch: MachineArchitecture): string =>
  `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasStrings = (v: unknown, keys: readonly string[]): boolean =>
  isObject(v) && keys.every((k) => typeof v[k] === 'string');

/**
 * The file's content as settings: undefined for `{}` (nothing pinned yet), the images otherwise.
 * Their values are checked with the rest of the settings (defineProject).
 */
export function machineImagesFrom(data: unknown): MachineImageSettings | undefined {
  if (isObject(data) && Object.keys(data).length === 0) return undefined;
  const images = isObject(data) ? data.images : undefined;
  if (
    !hasStrings(data, ['region']) ||
    !isObject(images) ||
    !MACHINE_ARCHITECTURES.every((arch) => hasStrings(images[arch], ['id', 'name', 'created']))
  ) {
    throw new Error(
      `packages/config/src/machine-images.json: ${JSON.stringify(data)} is not allowed; expected {} (nothing pinned yet) or what \`pnpm ami:update\` writes: { region, images: { ${MACHINE_ARCHITECTURES.join(', ')} } }, each image with id, name and created`,
    );
  }
  return data as MachineImageSettings;
}
