#!/bin/sh
export TWILIO_AUTH_TOKEN=8f10de8835975fb4437bfd95ec2beca4
