// Co-design pages, progressive enhancement only: the server counts again on save.
// 1. A live SMS segment count under the short wording (same rules as app/questionnaire/sms_text.py).
// 2. The group's response counts refreshed every minute on the invitation page.

const GSM7_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM7_EXTENSION = new Set("\f^{}\\[~]|€");

export function smsSegments(text) {
  const characters = Array.from(text);
  const gsm = characters.every((c) => GSM7_BASIC.has(c) || GSM7_EXTENSION.has(c));
  const units = characters.map((c) =>
    gsm ? (GSM7_EXTENSION.has(c) ? 2 : 1) : c.codePointAt(0) > 0xffff ? 2 : 1,
  );
  const [single, part] = gsm ? [160, 153] : [70, 67];
  const total = units.reduce((sum, size) => sum + size, 0);
  if (total === 0) return 0;
  if (total <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const size of units) {
    if (used + size > part) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return segments;
}

for (const field of document.querySelectorAll("[data-segment-count]")) {
  const output = document.getElementById(field.dataset.segmentCount);
  if (!output) continue;
  const show = () => {
    const count = smsSegments(field.value);
    output.textContent =
      count === 1 ? output.dataset.one : output.dataset.many.replace("N", String(count));
  };
  field.addEventListener("input", show);
}

const counts = document.getElementById("group-counts");
if (counts) {
  const refresh = async () => {
    try {
      const reply = await fetch(counts.dataset.url, { credentials: "same-origin" });
      if (!reply.ok) return;
      const figures = await reply.json();
      for (const cell of counts.querySelectorAll("[data-count]")) {
        const value = figures[cell.dataset.count];
        cell.textContent = value === null ? counts.dataset.few : String(value);
      }
    } catch {
      // Offline or signed out: keep the figures the page was served with.
    }
  };
  setInterval(refresh, 60_000);
}
