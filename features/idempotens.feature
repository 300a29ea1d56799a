# language: no
@idempotens
Egenskap: Idempotensnøkkel gjør det trygt å sende på nytt
  Hver ny innsending har en ny idempotensnøkkel (UUID). Samme nøkkel og samme
  leveranse gir samme svar og behandles bare én gang; samme nøkkel med en
  annen leveranse er en feil (GLD_019).

  Bakgrunn:
    Gitt en oppgavegiver med en systembruker som har rett til å levere for den
    Og en gyldig leveranse for inntektsåret med 2 oppgaver

  @tt02
  Scenario: Samme leveranse med samme idempotensnøkkel gir samme svar og én forsendelse
    Gitt leveransen er sendt inn og mottatt
    Når leveransen sendes inn på nytt med samme idempotensnøkkel
    Så er leveransen mottatt
    Og svaret er identisk med det første svaret
    Og det finnes nøyaktig 1 forsendelse for leveransen

  @tt02
  Scenario: Samme idempotensnøkkel med en annen leveranse avvises
    Gitt leveransen er sendt inn og mottatt
    Når en annen leveranse sendes inn med samme idempotensnøkkel
    Så avvises forespørselen med feilkode GLD_019
    Og det finnes nøyaktig 1 forsendelse for leveransen

  @tt02
  Scenario: Samme leveranse sendt samtidig med samme idempotensnøkkel behandles én gang
    Når leveransen sendes inn 8 ganger samtidig med samme idempotensnøkkel
    Så får alle innsendingene samme kvittering
    Og det finnes nøyaktig 1 forsendelse for leveransen

  @mock @feilinjeksjon
  Scenario: Nytt forsøk etter et svar som gikk tapt gir det opprinnelige svaret
    Gitt at API-et mottar neste innsending, men svaret går tapt
    Når leveransen sendes inn
    Så får klienten ikke noe svar
    Når leveransen sendes inn på nytt med samme idempotensnøkkel
    Så er leveransen mottatt
    Og svaret gjelder forsendelsen som ble mottatt da svaret gikk tapt
    Og det finnes nøyaktig 1 forsendelse for leveransen

  @tt02
  Scenario: En ny idempotensnøkkel gir en ny forsendelse
    Gitt leveransen er sendt inn og mottatt
    Når leveransen sendes inn på nytt med en ny idempotensnøkkel
    Så er leveransen mottatt
    Og kvitteringen har samme dialogId som den første, men en ny forsendelseId
    Og det finnes nøyaktig 2 forsendelser for leveransen
