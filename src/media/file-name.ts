/**
 * The file name a download suggests: Content-Disposition's `filename*`
 * (RFC 5987) or `filename`, else the URL's last path segment. Only the base
 * name is kept, since a server's name must not smuggle in a path.
 */
export function downloadFileName(contentDisposition: string | undefined, url: URL): string | undefined {
  const header = contentDisposition ?? "";
  const extended = /filename\*\s*=\s*[\w-]*'[^']*'([^;\s]+)/i.exec(header)?.[1];
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header)?.[1]?.replace(/\\(.)/g, "$1");
  const token = /filename\s*=\s*([^";\s]+)/i.exec(header)?.[1];
  const segment = url.pathname.split("/").pop();
  for (const candidate of [decode(extended), quoted, token, decode(segment)]) {
    const base = candidate?.split(/[/\\]/).pop()?.trim();
    if (base) return base;
  }
  return undefined;
}

function decode(encoded: string | undefined): string | undefined {
  if (encoded === undefined) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}
