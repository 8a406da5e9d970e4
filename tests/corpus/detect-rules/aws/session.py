session = boto3.Session("AKIAZT3TWQHWHFREKCHZ", "SB0lk6a7f98cb3Ar1fd15OyASkQXEYpWjxRP+kAu")
