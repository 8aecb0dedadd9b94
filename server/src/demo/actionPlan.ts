import type { DocumentOutline } from '../content/outline';

export const ACTION_PLAN_TITLE = 'Action Plan 2012–2016';

/**
 * A draft of the Action Plan implementing the "Building Migration
 * Partnerships" Joint Declaration (Prague, 2009), with the six thematic areas
 * endorsed in Poznań in 2011. The wording is Draftroom's own demo text.
 */
export const actionPlanDraft: DocumentOutline = {
  preamble: {
    heading: 'Prague Process Action Plan 2012–2016 — Preamble',
    paragraphs: [
      'The participating states of the Prague Process, together with the European Commission and with the support of Frontex, ICMPD, IOM and UNHCR, meeting in Poznań on 4 November 2011,',
      'Recalling the Joint Declaration "Building Migration Partnerships" adopted at the Prague Ministerial Conference on 27–28 April 2009, and the decisions of the Senior Officials\' Meeting held in Brussels on 15 December 2010,',
      'Acknowledging the results of the Building Migration Partnerships project, in particular the Extended Migration Profiles and the interactive map of migration routes (i-Map), which form the knowledge base of the process,',
      'Committed to a balanced and comprehensive approach to migration that respects the human rights of migrants and the principle of shared responsibility between countries of origin, transit and destination,',
      'Agree to implement the following actions in the period 2012–2016, on the basis of voluntary participation and within existing resources:',
    ],
  },
  sections: [
    {
      title: 'Preventing and fighting illegal migration',
      clauses: [
        'Strengthen the exchange of information and risk analysis on irregular migration routes along the Eastern route, using and regularly updating the i-Map as a shared tool of the participating states.',
        'Develop joint training for border guards and migration officials on the detection of forged documents and on the identification of victims of trafficking in human beings.',
        'Support the participating states, upon request, in aligning their legislation on the facilitation of irregular entry and stay with relevant international standards.',
        'Promote operational cooperation between law enforcement authorities in the investigation and prosecution of organised crime groups involved in migrant smuggling.',
        'Encourage information campaigns in countries of origin and transit on the risks of irregular migration and on available legal channels.',
      ],
    },
    {
      title: 'Readmission, voluntary return and sustainable reintegration',
      clauses: [
        'Ensure the effective implementation of readmission agreements concluded between the European Union or its Member States and the partner states, including through joint readmission committees.',
        'Give priority to voluntary return over forced return, and develop assisted voluntary return programmes in cooperation with IOM.',
        'Support returnees in their sustainable reintegration through access to employment, vocational training and micro-credit schemes in the countries of origin.',
        'Exchange good practices on the return of third-country nationals in full respect of their dignity and fundamental rights.',
      ],
    },
    {
      title: 'Legal migration with a special emphasis on labour migration',
      clauses: [
        'Improve the availability of information for prospective migrants on the conditions of entry, stay and employment in the participating states, including through migrant resource centres.',
        'Analyse labour market needs and skills shortages in countries of origin and destination, building on the data collected in the Extended Migration Profiles.',
        'Facilitate the recognition of qualifications and skills acquired abroad, and promote circular migration schemes where appropriate.',
        'Cooperate in preventing the exploitation of migrant workers and in ensuring fair recruitment practices.',
      ],
    },
    {
      title: 'Integration of legally residing migrants',
      clauses: [
        'Exchange experience on integration policies and programmes at national and local level, including language and civic orientation courses.',
        'Promote equal treatment and non-discrimination of legally residing migrants in access to employment, education and social services.',
        'Involve migrant associations and diaspora organisations in the design and evaluation of integration measures.',
      ],
    },
    {
      title: 'Migration, mobility and development',
      clauses: [
        'Support the participating states in mainstreaming migration into their development and poverty-reduction strategies.',
        'Reduce the costs of remittance transfers and encourage their productive investment, in cooperation with financial institutions.',
        'Engage diasporas as partners for development, including through temporary return of qualified nationals.',
        'Mitigate the negative effects of brain drain in sectors of high public interest such as health and education.',
      ],
    },
    {
      title: 'Strengthening capacities in the area of asylum and international protection',
      clauses: [
        'Strengthen national asylum systems in line with international standards, with the support of UNHCR and the European Asylum Support Office.',
        'Develop the capacity of reception systems to meet the needs of vulnerable applicants, including unaccompanied minors.',
        'Improve the quality of asylum decision-making through training of officials and access to country-of-origin information.',
        'Explore durable solutions for refugees and persons in protracted situations, including local integration and resettlement.',
      ],
    },
  ],
};
