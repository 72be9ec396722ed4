export const hello = "world"
