var options = new TwilioOptions {
    ApiKeySid = "SKfecdd5e225126f16fbc290613fb83201",
    ApiKeySecret = "AA8wBRLJU3JE5cjipHUNYsUIsbpwM3PW"
};
