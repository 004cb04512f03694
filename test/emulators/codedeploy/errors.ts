/** An error the emulator answers as AWS JSON 1.1: HTTP 400 with `{"__type": name, "message": ...}`. */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export const fail = (type: string, message: string): never => {
  throw new ApiError(type, message);
};
