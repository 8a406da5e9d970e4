@echo off
rem notifications
set TWILIO_AUTH_TOKEN=50e7a9fa5c427672316baa6545d0627f
