api_key = "2df92ae12d89d795fbd44bbba4eb88eb-b5b35ee5-bb5f0426"  # mailgun
