/** For server-owned fields: no API caller may write them; hooks and the Local API still can. */
export const never = (): boolean => false
