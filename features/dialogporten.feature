# language: no
@dialogporten
Egenskap: Oppfølging i Dialogporten
  Etter innsendingen finnes forsendelsen i oppgavegiverens dialog i Dialogporten.
  Dialogen peker på dokumentene (leveransen og Skatteetatens tilbakemelding),
  som hentes fra API-et (GET uthenting_dokument) med URL-en fra Dialogporten.

  Bakgrunn:
    Gitt en oppgavegiver med en systembruker som har rett til å levere for den

  @tt02 @antakelse @A-DP-REF
  Scenario: Den innsendte leveransen finnes i Dialogporten, byte for byte
    Gitt en gyldig leveranse for inntektsåret med 2 oppgaver
    Og leveransen er sendt inn og mottatt
    Når dialogen hentes fra Dialogporten
    Så har dialogen en innsending for forsendelsen
    Og dokumentet i innsendingen er byte for byte leveransen som ble sendt

  @tt02
  Scenario: En gyldig leveranse får en tilbakemelding om godkjenning
    Gitt en gyldig leveranse for inntektsåret med 2 oppgaver
    Og leveransen er sendt inn og mottatt
    Når tilbakemeldingen for forsendelsen kommer i Dialogporten
    Så er tilbakemeldingen av typen ACCEPTANCE

  @tt02 @antakelse @A-FORRETNINGSREGEL @A-ASYNC @A-TILBAKEMELDING
  Abstrakt Scenario: En leveranse med defekten <defekt> blir mottatt, men tilbakemeldingen avviser den
    Gitt en leveranse for inntektsåret med 2 oppgaver og defekten "<defekt>"
    Og leveransen er sendt inn og mottatt
    Når tilbakemeldingen for forsendelsen kommer i Dialogporten
    Så er tilbakemeldingen av typen REJECTION
    Og tilbakemeldingen peker på stien "<sti>"

    Eksempler:
      | defekt                    | sti                                                                 |
      | feil-sum                  | $.leveranse.oppgaveoppsummering.sumFormuesverdi                     |
      | feil-antall               | $.leveranse.oppgaveoppsummering.antallOppgaver                      |
      | feil-kontrollsiffer-fnr   | $.leveranse.oppgave[0].oppgaveeier.person.foedselsnummer            |
      | feil-kontrollsiffer-orgnr | $.leveranse.oppgave[0].oppgaveeier.organisasjon.organisasjonsnummer |

  @tt02 @antakelse @A-PATH
  Scenario: Et dokument som ikke finnes på forsendelsen
    Gitt en gyldig leveranse for inntektsåret med 1 oppgave
    Og leveransen er sendt inn og mottatt
    Når et dokument med en ukjent dokument-ID hentes fra forsendelsen
    Så avvises forespørselen med feilkode GLD_1050

  @tt02 @antakelse @A-PATH
  Scenario: En forsendelse som ikke finnes
    Gitt en gyldig leveranse for inntektsåret med 1 oppgave
    Og leveransen er sendt inn og mottatt
    Når et dokument hentes fra en ukjent forsendelse-ID
    Så avvises forespørselen med feilkode GLD_1061

  @tt02 @antakelse @A-PATH
  Scenario: Ingen dialog for inntektsår, organisasjonsnummer og ordning
    Gitt en gyldig leveranse for inntektsåret med 1 oppgave
    Og leveransen er sendt inn og mottatt
    Når et dokument hentes for et inntektsår der oppgavegiveren ikke har noen dialog
    Så avvises forespørselen med feilkode GLD_1054
