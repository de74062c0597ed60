/** The envelope messages of the user endpoints (§3) and of the account flows' answers. */
export const UsersMessages = {
  /** `AccountsService.checkUsername` answers with one of these (A1). */
  usernameAvailable: 'Username is available',
  usernameTaken: 'Username is already taken',
  searched: 'Users fetched successfully',
  nameUpdated: 'Name updated successfully',
  emailCodeSent: 'Verification code sent to your new email',
  emailUpdated: 'Email updated successfully',
  profileImageUpdated: 'User profileImage updated successfully',
  bioUpdated: 'Bio updated successfully',
} as const;
