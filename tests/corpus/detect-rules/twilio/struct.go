package main

var params = twilio.ClientParams{
	Username: "ACda6d379e0f20e98072510be2589828b1",
	Password: "d869d2fdd74b8a42b158143032be4dad",
}
