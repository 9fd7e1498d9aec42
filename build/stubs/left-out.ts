/** The error every stand-in throws: reaching one means the bundle's reachability check is out of date. */
export function leftOut(what: string): Error {
  return new Error(
    `tensorpool-mcp: ${what} was left out of this bundle because the server never uses it; reaching it is a bug. ` +
      'Please report it with the command you ran: https://github.com/tensorpool/tensorpool-mcp/issues',
  );
}
