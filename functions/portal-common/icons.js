// Line icons (24×24, drawn with the current text colour) built as SVG elements, so they follow light
// and dark mode and need no image request. Decorative: hidden from screen readers, the text beside
// them says what they show.

const SVG = "http://www.w3.org/2000/svg";

const shapes = {
  key: [["circle", { cx: 7.5, cy: 12, r: 3.5 }], ["path", { d: "M11 12h10M18 12v3.5M15 12v2.5" }]],
  phone: [["rect", { x: 7, y: 2.5, width: 10, height: 19, rx: 2 }], ["path", { d: "M11 18.5h2" }]],
  authenticator: [["rect", { x: 7, y: 2.5, width: 10, height: 19, rx: 2 }], ["path", { d: "M10 11l1.5 1.5L14.5 9M11 18.5h2" }]],
  passkey: [["rect", { x: 8, y: 2.5, width: 8, height: 7, rx: 1 }], ["rect", { x: 6, y: 9.5, width: 12, height: 12, rx: 3 }], ["circle", { cx: 12, cy: 15.5, r: 2 }]],
  hello: [["circle", { cx: 12, cy: 12, r: 9 }], ["path", { d: "M9 10v1M15 10v1M8.5 15c2 2 5 2 7 0" }]],
  message: [["path", { d: "M4 5h16v11H10l-5 4v-4H4z" }], ["path", { d: "M8 10h8" }]],
  mail: [["rect", { x: 3, y: 5, width: 18, height: 14, rx: 2 }], ["path", { d: "M3.5 6.5l8.5 6 8.5-6" }]],
  code: [["circle", { cx: 12, cy: 12, r: 9 }], ["path", { d: "M12 7v5l3 2" }]],
  hourglass: [["path", { d: "M7 3h10M7 21h10M8 3c0 5 8 6 8 9s-8 4-8 9M16 3c0 5-8 6-8 9s8 4 8 9" }]],
  certificate: [["rect", { x: 3, y: 4, width: 18, height: 12, rx: 1.5 }], ["circle", { cx: 15, cy: 17, r: 2.5 }], ["path", { d: "M7 8h8M7 11h5M13.5 19.5L13 22l2-1 2 1-.5-2.5" }]],
  laptop: [["rect", { x: 4, y: 5, width: 16, height: 11, rx: 1.5 }], ["path", { d: "M2 19h20" }]],
  qr: [["rect", { x: 3, y: 3, width: 7, height: 7 }], ["rect", { x: 14, y: 3, width: 7, height: 7 }], ["rect", { x: 3, y: 14, width: 7, height: 7 }], ["path", { d: "M14 14h3v3h-3zM20 14v1M14 20h1M18 18h3v3" }]],
  shield: [["path", { d: "M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z" }]],
  user: [["circle", { cx: 12, cy: 8, r: 4 }], ["path", { d: "M4 21c1-4.5 4.5-6.5 8-6.5s7 2 8 6.5" }]],
};

/** The icon for a Graph authentication method type (without `#microsoft.graph.`). */
export const methodIconName = {
  passwordAuthenticationMethod: "key",
  microsoftAuthenticatorAuthenticationMethod: "authenticator",
  fido2AuthenticationMethod: "passkey",
  windowsHelloForBusinessAuthenticationMethod: "hello",
  phoneAuthenticationMethod: "message",
  emailAuthenticationMethod: "mail",
  softwareOathAuthenticationMethod: "code",
  hardwareOathAuthenticationMethod: "code",
  temporaryAccessPassAuthenticationMethod: "hourglass",
  x509CertificateAuthenticationMethod: "certificate",
  platformCredentialAuthenticationMethod: "laptop",
  qrCodePinAuthenticationMethod: "qr",
};

export function icon(name, className = "icon") {
  const svg = document.createElementNS(SVG, "svg");
  for (const [attribute, value] of Object.entries({
    viewBox: "0 0 24 24", width: "24", height: "24", fill: "none", stroke: "currentColor", "stroke-width": "1.8",
    "stroke-linecap": "round", "stroke-linejoin": "round", "aria-hidden": "true", focusable: "false", class: className,
  })) {
    svg.setAttribute(attribute, value);
  }
  for (const [tag, attributes] of shapes[name] || shapes.shield) {
    const shape = document.createElementNS(SVG, tag);
    for (const [attribute, value] of Object.entries(attributes)) shape.setAttribute(attribute, String(value));
    svg.append(shape);
  }
  return svg;
}
