# language: no
@feilformat
Egenskap: Feilsvarenes format
  Et feilsvar følger Skatteetatens felles format: kode, melding og korrelasjonsid,
  og eventuelt en feilspesifisering med kode, melding, sti og angitt verdi.

  Bakgrunn:
    Gitt en oppgavegiver med en systembruker som har rett til å levere for den
    Og en gyldig leveranse for inntektsåret med 1 oppgave

  @tt02
  Scenario: Et feilsvar har kode, melding og korrelasjonsid
    Når leveransen sendes inn uten headeren "idempotencyKey"
    Så avvises forespørselen med feilkode GLD_1028
    Og feilsvaret har en melding og en korrelasjonsid som er en UUID

  @tt02 @antakelse @A-HOVEDKODE
  Abstrakt Scenario: Feilspesifiseringskoden <spesifisering> ligger under hovedkoden <hovedkode>
    Når <handling>
    Så svarer API-et med HTTP-status <status>
    Og feilsvaret har kode <hovedkode> og feilspesifisering <spesifisering>

    Eksempler:
      | handling                                                         | status | hovedkode | spesifisering |
      | leveransen sendes inn uten token                                 | 401    | GLD_004   | GLD_1007      |
      | leveransen sendes inn med et ugyldig token                       | 401    | GLD_004   | GLD_1008      |
      | leveransen sendes inn uten headeren "idempotencyKey"             | 400    | GLD_006   | GLD_1028      |
      | leveransen sendes inn med headeren "Accept" satt til "text/html" | 400    | GLD_006   | GLD_1030      |
      | leveransen sendes inn til inntektsåret etter leveransens         | 400    | GLD_011   | GLD_1052      |
      | leveransen sendes inn til stien "/finnes-ikke"                   | 404    | GLD_021   | GLD_1023      |
