client = Plivo::RestClient.new(
  auth_id = "MAPNG9GRAQMY9F1PC121",
  auth_token = "QiWdL2EKGdS1axXsMMvlmhzTVR0NrA5jlykMD4PG"
)  # plivo
