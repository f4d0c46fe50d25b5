// The error a tokenizer throws for input a person can fix (a corrupt tokenizer file, no text to
// learn from). It stays free of app imports so the tokenizer can ship inside exported models;
// the services turn it into a UserError at the API boundary.

/** A tokenizer problem described in plain language, safe to show as is. */
export class TokenizerError extends Error {
  override name = 'TokenizerError'
  readonly code = 'bad_input' as const
}
