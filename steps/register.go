package steps

import "github.com/cucumber/godog"

// register binds the step texts of features/ to the scenario's methods.
// godog compiles a step text given as a string once per scenario; the
// suite compiles each once (Suite.pattern).
func (s *scenario) register(sc *godog.ScenarioContext) {
	step := func(expr string, fn any) { sc.Step(s.suite.pattern(expr), fn) }
	// Gitt
	step(`^en oppgavegiver med en systembruker som har rett til å levere for den$`, s.enOppgavegiver)
	step(`^en gyldig leveranse for inntektsåret med (\d+) oppgaver?$`, s.enGyldigLeveranse)
	step(`^en ny gyldig leveranse for inntektsåret med (\d+) oppgaver?$`, s.enNyGyldigLeveranse)
	step(`^en leveranse for inntektsåret med (\d+) oppgaver? og defekten "([^"]+)"$`, s.enLeveranseMedDefekt)
	step(`^en gyldig leveranse for et inntektsår som ikke er åpent$`, s.etAarSomIkkeErAapent)
	step(`^en gyldig leveranse for en annen oppgavegiver som systembrukeren ikke har rett til å levere for$`, s.enAnnenOppgavegiver)
	step(`^eksempelleveransen fra tjenestesiden$`, s.eksempelleveransen)
	step(`^en gyldig leveranse på nesten 10 MB$`, func() error { return s.nearLimit(false) })
	step(`^en gyldig leveranse på litt over 10 MB$`, func() error { return s.nearLimit(true) })
	step(`^forespørselskroppen "(.*)"$`, s.forespoerselskroppen)
	step(`^kildesystem i leveransen er byttet ut med "(.*)"$`, s.kildesystemByttet)
	step(`^(fødselsnummeret|organisasjonsnummeret) til eieren av første oppgave er "([^"]*)"$`, s.eierenEr)
	step(`^(\w+) i leveransen er byttet ut med tallet (\S+)$`, s.tallByttet)
	step(`^leveransen er sendt inn og mottatt$`, s.erSendtInnOgMottatt)
	step(`^leveransen er sendt inn og avvist med feilkode (GLD_\d+)$`, s.erSendtInnOgAvvist)
	step(`^at API-et mottar neste innsending, men svaret går tapt$`, s.svaretGaarTapt)
	step(`^at et bakenforliggende system feiler ved neste innsending$`, s.bakenforliggendeFeiler)

	// Når
	step(`^leveransen sendes inn$`, s.sendesInn)
	step(`^leveransen sendes inn med en systembruker for eksempelets oppgavegiver$`, s.medSystembrukerForEksempelet)
	step(`^leveransen sendes inn på nytt med samme idempotensnøkkel$`, s.paaNyttSammeNoekkel)
	step(`^leveransen sendes inn på nytt med en ny idempotensnøkkel$`, s.paaNyttNyNoekkel)
	step(`^en annen leveranse sendes inn med samme idempotensnøkkel$`, s.enAnnenLeveranseSammeNoekkel)
	step(`^leveransen sendes inn (\d+) ganger samtidig med samme idempotensnøkkel$`, s.samtidig)
	step(`^leveransen sendes inn til inntektsåret etter leveransens$`, s.tilAaretEtter)
	step(`^leveransen sendes inn til inntektsår "([^"]*)"$`, s.tilInntektsaar)
	step(`^leveransen sendes inn til stien "([^"]*)"$`, s.tilStien)
	step(`^leveransen sendes inn med metoden (\w+)$`, s.medMetoden)
	step(`^leveransen sendes inn uten headeren "([^"]*)"$`, s.utenHeaderen)
	step(`^leveransen sendes inn med headeren "([^"]*)" satt til "([^"]*)"$`, s.medHeaderen)
	step(`^leveransen sendes inn uten token$`, s.utenToken)
	step(`^leveransen sendes inn med et ugyldig token$`, s.ugyldigToken)
	step(`^leveransen sendes inn med et utløpt token$`, s.utloeptToken)
	step(`^leveransen sendes inn med et token som bare har scopet "([^"]*)"$`, s.tokenMedScope)
	step(`^leveransen sendes inn med et Maskinporten-token uten systembruker$`, s.utenSystembruker)
	step(`^forespørselskroppen sendes inn$`, s.kroppenSendesInn)
	step(`^dialogen hentes fra Dialogporten$`, s.dialogenHentes)
	step(`^tilbakemeldingen for forsendelsen kommer i Dialogporten$`, s.tilbakemeldingenKommer)
	step(`^et dokument med en ukjent dokument-ID hentes fra forsendelsen$`, s.ukjentDokument)
	step(`^et dokument hentes fra en ukjent forsendelse-ID$`, s.ukjentForsendelse)
	step(`^et dokument hentes for et inntektsår der oppgavegiveren ikke har noen dialog$`, s.aarUtenDialog)

	// Så
	step(`^er leveransen mottatt$`, s.erMottatt)
	step(`^kvitteringen har en dialogId og en forsendelseId som er UUID-er$`, s.kvitteringUUIDer)
	step(`^kvitteringen gjengir oppgavegiversLeveranseReferanse og antallOppgaver fra leveransen$`, s.kvitteringGjengir)
	step(`^kvitteringen har samme dialogId som den første, men en ny forsendelseId$`, s.sammeDialogNyForsendelse)
	step(`^svaret er identisk med det første svaret$`, s.identiskMedFoerste)
	step(`^det finnes nøyaktig (\d+) forsendelser? for leveransen$`, s.noeyaktigForsendelser)
	step(`^det finnes ingen forsendelse for leveransen$`, s.ingenForsendelse)
	step(`^får alle innsendingene samme kvittering$`, s.alleSammeKvittering)
	step(`^får klienten ikke noe svar$`, s.ingenSvar)
	step(`^svaret gjelder forsendelsen som ble mottatt da svaret gikk tapt$`, s.gjelderTaptForsendelse)
	step(`^avvises forespørselen med feilkode (GLD_\d+)$`, s.avvisesMedFeilkode)
	step(`^avvises forespørselen med HTTP-status (\d+) og feilkode (GLD_\d+)$`, s.avvisesMedStatusOgFeilkode)
	step(`^feilen har feilspesifisering (GLD_\d+)$`, s.harFeilspesifisering)
	step(`^feilen peker på stien "([^"]*)"$`, s.pekerPaaSti)
	step(`^svaret har headeren "([^"]*)" med verdien "([^"]*)"$`, s.harHeader)
	step(`^svarer API-et med HTTP-status (\d+)$`, s.svarerMedStatus)
	step(`^feilsvaret har kode (GLD_\d+) og feilspesifisering (GLD_\d+)$`, s.harKodeOgSpesifisering)
	step(`^feilsvaret har en melding og en korrelasjonsid som er en UUID$`, s.meldingOgKorrelasjonsid)
	step(`^har dialogen en innsending for forsendelsen$`, s.harInnsending)
	step(`^dokumentet i innsendingen er byte for byte leveransen som ble sendt$`, s.byteForByte)
	step(`^er tilbakemeldingen av typen (\w+)$`, s.tilbakemeldingAvType)
	step(`^tilbakemeldingen peker på stien "([^"]*)"$`, s.tilbakemeldingPekerPaa)
}
