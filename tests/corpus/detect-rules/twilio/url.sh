curl -s https://AC98017fa52b83fccd84811df9e01ee27f:057dfe891cb01c134cb57ca38b36926f@api.twilio.com/2010-04-01/Accounts.json
