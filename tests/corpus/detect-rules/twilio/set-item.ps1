Set-Item -Path Env:TWILIO_AUTH_TOKEN -Value "bfc418651972d406af6089f360c4c503"
[Environment]::SetEnvironmentVariable("TWILIO_AUTH_TOKEN", "4ed32ae8f5447b0c90d100a134a02f7e", "User")
