package openai

var validPattern = "sk-proj-Z1U9ueHK7CN1w4zPbW1GT3BlbkFJBU4ysxqN6EPgF7Co8U0u"
