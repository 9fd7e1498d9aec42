/** What tools need to know about how the server was started; no secrets in here. */
export interface ServerSettings {
  /** Directories file tools may read and write, as real paths. Empty: file tools refuse. */
  allowedDirs: readonly string[];
  /** Why `allowedDirs` is empty, phrased for the model and the user. */
  allowedDirsProblem?: string;
}
