// Once django-otp-webauthn has stored a new passkey, reload the account page
// so that it lists it (the library only shows a status message).
document.addEventListener("otp_webauthn.register_complete", function () {
  window.location.reload();
});
