# language: no
@innsending
Egenskap: Innsending av en leveranse
  For at Skatteetaten skal få tredjepartsopplysningene om finansprodukter
  sender en oppgavegiver én leveranse per inntektsår til POST /v1/{inntektsaar},
  og får en kvittering med dialogId og forsendelseId tilbake.

  Bakgrunn:
    Gitt en oppgavegiver med en systembruker som har rett til å levere for den

  @tt02
  Scenario: En gyldig leveranse blir mottatt
    Gitt en gyldig leveranse for inntektsåret med 3 oppgaver
    Når leveransen sendes inn
    Så er leveransen mottatt
    Og kvitteringen har en dialogId og en forsendelseId som er UUID-er
    Og kvitteringen gjengir oppgavegiversLeveranseReferanse og antallOppgaver fra leveransen
    Og det finnes nøyaktig 1 forsendelse for leveransen

  @tt02
  Scenario: To leveranser fra samme oppgavegiver havner i samme dialog
    Gitt en gyldig leveranse for inntektsåret med 1 oppgave
    Og leveransen er sendt inn og mottatt
    Og en ny gyldig leveranse for inntektsåret med 2 oppgaver
    Når leveransen sendes inn
    Så er leveransen mottatt
    Og kvitteringen har samme dialogId som den første, men en ny forsendelseId

  @mock @antakelse @A-EKSEMPEL
  Scenario: Eksempelet fra tjenestesiden blir mottatt
    # Eksempelet har ikke syntetiske identiteter og sendes derfor aldri til TT02.
    Gitt eksempelleveransen fra tjenestesiden
    Når leveransen sendes inn med en systembruker for eksempelets oppgavegiver
    Så er leveransen mottatt
    Og kvitteringen gjengir oppgavegiversLeveranseReferanse og antallOppgaver fra leveransen

  @tt02 @storrelse @antakelse @A-MAXBODY
  Scenario: En leveranse like under grensen på 10 MB blir mottatt
    Gitt en gyldig leveranse på nesten 10 MB
    Når leveransen sendes inn
    Så er leveransen mottatt
    Og kvitteringen gjengir oppgavegiversLeveranseReferanse og antallOppgaver fra leveransen

  @tt02 @storrelse @antakelse @A-MAXBODY @A-STATUS
  Scenario: En leveranse over grensen på 10 MB blir avvist
    Gitt en gyldig leveranse på litt over 10 MB
    Når leveransen sendes inn
    Så avvises forespørselen med HTTP-status 400 og feilkode GLD_1022
    Og det finnes ingen forsendelse for leveransen
