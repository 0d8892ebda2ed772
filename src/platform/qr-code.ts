import QRCode from "qrcode";

/*
 * Renders WhatsApp's QR string (the "2@..." text a phone scans) in the forms an
 * integrator's page can use directly. Error correction "M" and a 4-module quiet
 * zone are what phone cameras read most reliably.
 */
const OPTIONS = { errorCorrectionLevel: "M", margin: 4 } as const;

export async function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { ...OPTIONS, type: "png", scale: 8 });
}

export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: "svg" });
}

export async function qrDataUrl(text: string): Promise<string> {
  return QRCode.toDataURL(text, { ...OPTIONS, type: "image/png", scale: 8 });
}
