# language: no
@headere
Egenskap: Påkrevde headere
  En innsending må ha en idempotensnøkkel (headeren idempotencyKey) som er en UUID,
  sende JSON (Content-Type: application/json) og be om JSON (Accept).

  Bakgrunn:
    Gitt en oppgavegiver med en systembruker som har rett til å levere for den
    Og en gyldig leveranse for inntektsåret med 1 oppgave

  @tt02
  Scenario: Idempotensnøkkelen mangler
    Når leveransen sendes inn uten headeren "idempotencyKey"
    Så avvises forespørselen med feilkode GLD_1028
    Og det finnes ingen forsendelse for leveransen

  @tt02
  Abstrakt Scenario: Idempotensnøkkelen er ikke en UUID: "<nokkel>"
    Når leveransen sendes inn med headeren "idempotencyKey" satt til "<nokkel>"
    Så avvises forespørselen med feilkode GLD_1022
    Og det finnes ingen forsendelse for leveransen

    Eksempler:
      | nokkel                               |
      | 12345                                |
      | ikke-en-uuid                         |
      | 0193b5cd-cb85-7320-bd8c-6c78c88dc8aZ |

  @tt02
  Abstrakt Scenario: Accept-header som ikke godtar JSON: "<accept>"
    Når leveransen sendes inn med headeren "Accept" satt til "<accept>"
    Så avvises forespørselen med feilkode GLD_1030
    Og det finnes ingen forsendelse for leveransen

    Eksempler:
      | accept          |
      | application/xml |
      | text/html       |

  @tt02
  Scenario: Accept-header som godtar JSON blir mottatt
    Når leveransen sendes inn med headeren "Accept" satt til "application/json"
    Så er leveransen mottatt

  @tt02 @antakelse @A-1047
  Abstrakt Scenario: Content-Type som ikke er JSON: "<type>"
    Når leveransen sendes inn med headeren "Content-Type" satt til "<type>"
    Så avvises forespørselen med feilkode GLD_1047
    Og det finnes ingen forsendelse for leveransen

    Eksempler:
      | type                              |
      | text/plain                        |
      | application/x-www-form-urlencoded |

  @tt02 @antakelse @A-1047
  Scenario: Content-Type mangler
    Når leveransen sendes inn uten headeren "Content-Type"
    Så avvises forespørselen med feilkode GLD_1047
    Og det finnes ingen forsendelse for leveransen
