import os

client = Client("AC31b504212e4b8ec84e41d9e7fe7ffcb1", "58b82aa30ea3b32eda2f928b632593ad")  # twilio
