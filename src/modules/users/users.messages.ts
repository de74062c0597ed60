/** The envelope messages of the user endpoints (`/user`) and of the account flows' answers. */
export const UsersMessages = {
  /** `AccountsService.checkUsername` answers with one of these (`GET /auth/check-username`). */
  usernameAvailable: 'Username is available',
  usernameTaken: 'Username is already taken',
  searched: 'Users fetched successfully',
  nameUpdated: 'Name updated successfully',
  emailCodeSent: 'Verification code sent to your new email',
  emailUpdated: 'Email updated successfully',
  profileImageUpdated: 'User profileImage updated successfully',
  bioUpdated: 'Bio updated successfully',
} as const;
