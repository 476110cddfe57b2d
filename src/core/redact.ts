/**
 * The process's redaction of what it prints: once a command knows the cloud's secrets
 * (`kroll run` reads passwords.yml), every log line and result line goes through it before it
 * reaches the terminal or a CI log. Identity until a command sets it.
 */
let current: (text: string) => string = (t) => t;

export const redact = (text: string): string => current(text);

export function setRedaction(scrub: (text: string) => string): void {
  current = scrub;
}
