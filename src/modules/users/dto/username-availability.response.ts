export class UsernameAvailabilityResponse {
  available: boolean;
}
