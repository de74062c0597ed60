/** The envelope messages of the auth endpoints (`/auth`, `/auth/sessions`). */
export const AuthMessages = {
  registered: 'User registered. Please verify your email',
  verified: 'Email verified successfully',
  verificationResent:
    'If an unverified account exists for this email, a new verification code has been sent',
  loggedIn: 'User logged in successfully',
  refreshed: 'Access token refreshed successfully',
  resetCodeSent: 'If an account exists for this email, a password reset code has been sent',
  passwordReset: 'Password reset successful. Please login again',
  me: 'User details fetched successfully',
  passwordChanged: 'Password changed successfully',
  loggedOut: 'User logged out successfully',
  sessionsListed: 'Sessions fetched successfully',
  sessionRevoked: 'Session revoked successfully',
  otherSessionsRevoked: 'Other sessions revoked successfully',
} as const;
