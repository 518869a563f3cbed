/**
 * Passkeys in the browser without a library: the WebAuthn calls and the base64url conversions around
 * them, producing the JSON shapes `@simplewebauthn/browser` produces, which `@better-auth/passkey` reads.
 *
 * @module
 */

/**
 * `registerPasskey(name)` adds a passkey to the signed-in user; `signInWithPasskey()` signs in with one.
 * Both need {@link FORM_SCRIPT}'s `api`.
 *
 * The server sends binary fields (challenge, user id, credential ids) as base64url strings, and
 * `navigator.credentials` wants ArrayBuffers; its answer holds ArrayBuffers, and the server wants
 * base64url strings back.
 */
export const WEBAUTHN_SCRIPT = `
function fromBase64url(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0)).buffer;
}

function toBase64url(buffer) {
  let binary = "";
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
}

function withBufferIds(credentials) {
  return (credentials || []).map((credential) => ({ ...credential, id: fromBase64url(credential.id) }));
}

/** The parts of a PublicKeyCredential both ceremonies send. */
function credentialJSON(credential, response) {
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
    response,
  };
}

async function registerPasskey(name) {
  if (!window.PublicKeyCredential) throw new Error("This browser does not support passkeys.");
  const options = await api("/passkey/generate-register-options");
  const credential = await navigator.credentials.create({
    publicKey: {
      ...options,
      challenge: fromBase64url(options.challenge),
      user: { ...options.user, id: fromBase64url(options.user.id) },
      excludeCredentials: withBufferIds(options.excludeCredentials),
    },
  });
  const response = credential.response;
  return api("/passkey/verify-registration", {
    name: name || undefined,
    response: credentialJSON(credential, {
      clientDataJSON: toBase64url(response.clientDataJSON),
      attestationObject: toBase64url(response.attestationObject),
      transports: response.getTransports ? response.getTransports() : [],
    }),
  });
}

async function signInWithPasskey() {
  if (!window.PublicKeyCredential) throw new Error("This browser does not support passkeys.");
  const options = await api("/passkey/generate-authenticate-options");
  const credential = await navigator.credentials.get({
    publicKey: {
      ...options,
      challenge: fromBase64url(options.challenge),
      allowCredentials: withBufferIds(options.allowCredentials),
    },
  });
  const response = credential.response;
  return api("/passkey/verify-authentication", {
    response: credentialJSON(credential, {
      clientDataJSON: toBase64url(response.clientDataJSON),
      authenticatorData: toBase64url(response.authenticatorData),
      signature: toBase64url(response.signature),
      userHandle: response.userHandle ? toBase64url(response.userHandle) : undefined,
    }),
  });
}
`;
