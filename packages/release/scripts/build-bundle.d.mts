// Types of build-bundle.mjs (plain JavaScript, so it runs before anything is compiled).
interface TextSink {
  write(text: string): unknown;
}
export const PACKAGE_DIR: string;
export const BUNDLE_FILE: string;
export const BUNDLE_TARGET: string;
export function bundleInputs(): string[];
export function staleReason(bundleFile?: string, inputs?: readonly string[]): string | undefined;
export function buildBundle(outfile?: string): Promise<string>;
export function ensureBundle(options?: {
  bundleFile?: string;
  inputs?: readonly string[];
  stderr?: TextSink;
}): Promise<string>;
export function main(stdout?: TextSink, outfile?: string): Promise<void>;
