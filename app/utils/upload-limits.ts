/**
 * Sizes of the files owners upload, here below the modules that check them so that the request
 * body limits (body-limit.server.ts) can allow for them without importing the domain.
 */

/** Largest logo an owner may upload. */
export const MAX_UPLOADED_LOGO_BYTES = 1024 * 1024;

/** Largest photo of a doctor (their own, or the owner's for them). */
export const MAX_DOCTOR_PHOTO_BYTES = 1024 * 1024;

/** Largest onboarding document (licence, insurance, other) an owner may upload. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
