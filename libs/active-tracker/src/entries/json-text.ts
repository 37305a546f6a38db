/**
 * A content field that is JSON text the host already produced (a response body), so the recorder
 * need not serialize it again: when it is valid and needs no redaction it is stored as it is,
 * embedded in the entry's JSON. `source` is the value it was made from (what the app passed to
 * `res.json()`): checking it for sensitive keys is cheaper than scanning the text, and it proves the
 * text valid. Without a source the text is parsed to check it; invalid JSON is stored as a string.
 * An incomplete text (cut at a cap) is stored as a string, redacted from its source when there is
 * one, else by a tolerant pass over the text.
 */
export class JsonText {
  constructor(
    readonly text: string,
    readonly source?: unknown,
    /** False when `text` is only the first part of the document (a body cut at its cap). */
    readonly complete = true,
  ) {}
}
