account_name = "prodlogs"
account_key = "2OE8GOIvpieVPQa4iROQ9yy3q+AMec7sUSEldR4U6NpotQzaM74kklOn6bM00J+X2ys08KQs0aSOCWL6LHIYlJ=="  # azure blob storage
