/** PURE. Addresses as URLs and interfaces want them. */

/** An address as the host part of a URL or a bind line: an IPv6 one in brackets. */
export const urlHost = (address: string): string =>
  address.includes(":") ? `[${address}]` : address;
