/** An API failure with its HTTP status; answered as `{ statusCode, message, error }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string | string[],
  ) {
    super(Array.isArray(messages) ? messages.join('; ') : messages);
  }
}
