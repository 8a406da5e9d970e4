bot.run("M4W5o9Z9lYS6ymSgZaSjfqlklY.LNfVAa.NAKrer8Dir1o5wBiSjCM6JTYQOI")  # discord
TOKEN = "5311650397:AATzvU8xFJhEkuYXy0LZrQpptCQACcstPxD"  # telegram
