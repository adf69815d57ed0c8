/**
 * QR codes as inline SVG, drawn on the server (the `qrcode` package), so the patient's phone can
 * open the self check-in page from a printed or on-screen code. No image files, no client script.
 */
import QRCode from "qrcode";

export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2, color: { dark: "#0f172a", light: "#ffffff" } });
}
