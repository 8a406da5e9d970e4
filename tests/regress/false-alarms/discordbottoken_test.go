// trufflehog's pkg/detectors/discordbottoken/discordbottoken_test.go: a
// token whose last part is typed along the alphabet, a filler; the
// provider is named after it (the context after the match).
const (
	modernToken = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.G00g7H.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789AB"
)

func TestDiscordBotToken_Pattern(t *testing.T) {
	d := discord.Scanner{}
