const client = twilio("SK8f3b8ba0601efbdb78d9ce336799c6a5", "1Dce2j7UGrQOK5BBPQ65EOGEjGirWl9L", { accountSid: "ACed43bc44c552aaac5f59aae29df4ad39" });
