auth_token = "e9d7685e3f7173c0d413427619539c31"  # twilio
