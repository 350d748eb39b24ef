// Fulcio's client-facing errors: its gRPC gateway answers a refused request with HTTP 400 and
// `{"code":3,"message":...,"details":[]}` (codes.InvalidArgument), with the texts of Fulcio's
// pkg/server/error.go, which say the stage that failed but never the reason.

export const FULCIO_MESSAGES = {
  invalidIdentityToken: 'There was an error processing the identity token',
  invalidPublicKey: 'The public key supplied in the request could not be parsed',
  insecurePublicKey: 'The public key supplied in the request is insecure',
  invalidSignature: 'The signature supplied in the request could not be verified',
} as const;

export class FulcioError extends Error {
  readonly status = 400;
  readonly code = 3;
  /** Why, for the server's own log (Fulcio logs it; the client sees only `message`). */
  readonly reason: string;

  constructor(message: string, reason: string) {
    super(message);
    this.reason = reason;
  }

  body(): { code: number; message: string; details: never[] } {
    return { code: this.code, message: this.message, details: [] };
  }
}
