// An IAM API error (`EntityAlreadyExists`, `NoSuchEntity`, `ValidationError`,
// `MalformedPolicyDocument`, `DeleteConflict`, ...), answered by the IAM API in AWS's shape.
export class IamError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
