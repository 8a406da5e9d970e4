var settings = new Settings {
    AccountSid = "AC9a294e0148da09fff97db8143bef595f",
    AuthToken = "d02b8c402543d443928fd044620015c6"
};
