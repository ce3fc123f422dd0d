// Test helper: reads a zip's central directory (name, Unix mode, DOS time, os) without a library,
// to check what the packager promises about modes and timestamps.
export interface ZipEntryInfo {
  readonly name: string;
  readonly os: number;
  readonly mode: number;
  readonly dosTime: number;
  readonly dosDate: number;
}

export function zipEntries(zip: Uint8Array): ZipEntryInfo[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = zip.byteLength - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  if (end < 0) throw new Error('no end of central directory');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const entries: ZipEntryInfo[] = [];
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new Error(`bad central directory entry at ${at}`);
    const nameLength = view.getUint16(at + 28, true);
    entries.push({
      name: new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength)),
      os: view.getUint8(at + 5),
      mode: view.getUint32(at + 38, true) >>> 16,
      dosTime: view.getUint16(at + 12, true),
      dosDate: view.getUint16(at + 14, true),
    });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return entries;
}
