client = Client(username="AC625955ab804ff4161ee1cc5a39e78d56", password="647d44feeb444c173ea0c72e897345f8")
