/** A demo user, kept in memory by UsersService. */
export interface User {
  id: number;
  name: string;
  email: string;
  createdAt: string;
}
