/** In-flight copy limits per destination region (AWS quotas). */
export const COPY_LIMIT = { instance: 20, cluster: 5 } as const;
