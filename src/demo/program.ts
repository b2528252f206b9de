/**
 * Facts of the PEDULI SDGs program, the program the hub is first built for (from a 2021 news
 * report), copied here so the project stands alone.
 *
 * The report gives only counts for villages, civil-society organisations and facilitators, so
 * every village, organisation and person below is INVENTED for the demo and flagged
 * `invented: true`; user-facing text carries "(nama fiktif / invented name)". Province and
 * district names and codes (Kemendagri/BPS) are real; subdistrict (kecamatan) names are real
 * kecamatan of their district, but their codes are left out (null) rather than guessed.
 */

export const INVENTED_MARK = '(nama fiktif / invented name)';

export interface OperatorFact {
  key: 'b-trust' | 'kpri';
  name: string;
  shortName: string;
}

export const PROGRAM = {
  name: 'PEDULI SDGs',
  semesters: 6,
  aim:
    'Internalise, synchronise and implement SDG goals, targets and indicators in district and village planning, ' +
    'budgeting and implementation, through collaboration between local governments and civil-society organisations.',
  aimId:
    'Menginternalisasi, menyinkronkan dan melaksanakan tujuan, target dan indikator SDGs dalam perencanaan, ' +
    'penganggaran dan pelaksanaan pembangunan kabupaten dan desa, melalui kolaborasi pemerintah daerah dan organisasi masyarakat sipil.',
  approaches: ['technical assistance', 'trainings', 'joint learning circles (lingkar belajar bersama)'],
  approachesId: ['pendampingan teknis', 'pelatihan', 'lingkar belajar bersama'],
  counts: { civilSocietyOrganisations: 30, communityFacilitators: 90, villages: 30, districts: 10 },
} as const;

export const OPERATORS: readonly OperatorFact[] = [
  { key: 'b-trust', name: 'B-Trust', shortName: 'B-Trust' },
  { key: 'kpri', name: 'Konfederasi Pekerja Rakyat Indonesia', shortName: 'KPRI' },
];

export const DONOR = { name: 'European Union', nameId: 'Uni Eropa' } as const;

export type ProvinceName = 'Jawa Barat' | 'Jawa Tengah' | 'Kalimantan Timur' | 'Kalimantan Utara' | 'Nusa Tenggara Barat';

export interface ProvinceFact {
  name: ProvinceName;
  /** Kemendagri/BPS province code. */
  code: string | null;
}

export const PROVINCES: readonly ProvinceFact[] = [
  { name: 'Jawa Barat', code: '32' },
  { name: 'Jawa Tengah', code: '33' },
  { name: 'Kalimantan Timur', code: '64' },
  { name: 'Kalimantan Utara', code: '65' },
  { name: 'Nusa Tenggara Barat', code: '52' },
];

export interface PersonFact {
  name: string;
  invented: true;
}

export interface VillageFact {
  name: string;
  /** A real kecamatan of the district; its code is not recorded. */
  subdistrict: string;
  invented: true;
  /** The three community facilitators working in this village. */
  facilitators: readonly [PersonFact, PersonFact, PersonFact];
}

export interface CsoFact {
  name: string;
  invented: true;
}

export interface DistrictFact {
  name: string;
  province: ProvinceName;
  /** Kemendagri code (e.g. 32.10); null where not known with confidence. */
  code: string | null;
  /** Which operator coordinates the district: invented for the demo, the report does not say. */
  operator: OperatorFact['key'];
  /** The operator's district coordinator (invented person). */
  coordinator: PersonFact;
  villages: readonly [VillageFact, VillageFact, VillageFact];
  /** Civil-society organisations; CSO i works with village i. */
  csos: readonly [CsoFact, CsoFact, CsoFact];
}

const p = (name: string): PersonFact => ({ name, invented: true });
const v = (name: string, subdistrict: string, f: [string, string, string]): VillageFact => ({
  name,
  subdistrict,
  invented: true,
  facilitators: [p(f[0]), p(f[1]), p(f[2])],
});
const c = (name: string): CsoFact => ({ name, invented: true });

export const DISTRICTS: readonly DistrictFact[] = [
  {
    name: 'Majalengka',
    province: 'Jawa Barat',
    code: '32.10',
    operator: 'b-trust',
    coordinator: p('Rizky Firmansyah'),
    villages: [
      v('Sindangjaya Kidul', 'Jatiwangi', ['Asep Saepudin', 'Euis Komariah', 'Dedi Supriatna']),
      v('Cibodas Girang', 'Rajagaluh', ['Neneng Hasanah', 'Ujang Rohman', 'Rina Marlina']),
      v('Mekarwangi Hilir', 'Talaga', ['Yayan Sopyan', 'Iis Rostika', 'Hendra Gunawan']),
    ],
    csos: [
      c('Yayasan Tunas Desa Majalengka'),
      c('Perkumpulan Sauyunan Warga Majalengka'),
      c('Lembaga Kajian Anggaran Desa Majalengka'),
    ],
  },
  {
    name: 'Kuningan',
    province: 'Jawa Barat',
    code: '32.08',
    operator: 'b-trust',
    coordinator: p('Anisa Rahmadani'),
    villages: [
      v('Sukaresmi Lor', 'Cilimus', ['Dadang Suherman', 'Lilis Suryani', 'Agus Setiawan']),
      v('Karangmulya Tengah', 'Luragung', ['Tati Sumiati', 'Wawan Hermawan', 'Nia Kurniasih']),
      v('Pasirmukti Wetan', 'Jalaksana', ['Cecep Rahmat', 'Yuyun Yuningsih', 'Dodi Kusnadi']),
    ],
    csos: [
      c('Yayasan Gema Desa Kuningan'),
      c('Perkumpulan Rembug Warga Kuningan'),
      c('Lembaga Pendamping Masyarakat Lereng Ciremai'),
    ],
  },
  {
    name: 'Ciamis',
    province: 'Jawa Barat',
    code: '32.07',
    operator: 'b-trust',
    coordinator: p('Galih Pratama'),
    villages: [
      v('Mekarharja Kidul', 'Panjalu', ['Aep Saefulloh', 'Enok Nurhayati', 'Rudi Hartono']),
      v('Cikupa Tonggoh', 'Kawali', ['Siti Maryam', 'Ade Kurnia', 'Heni Handayani']),
      v('Sukajadi Girang', 'Rancah', ['Ikhsan Maulana', 'Dewi Lestari', 'Jajang Nurjaman']),
    ],
    csos: [
      c('Yayasan Galuh Berdaya Ciamis'),
      c('Perkumpulan Sinergi Warga Ciamis'),
      c('Lembaga Studi Kebijakan Desa Ciamis'),
    ],
  },
  {
    name: 'Cilacap',
    province: 'Jawa Tengah',
    code: '33.01',
    operator: 'b-trust',
    coordinator: p('Dian Puspitasari'),
    villages: [
      v('Karangsari Kulon', 'Kroya', ['Slamet Riyadi', 'Sri Wahyuni', 'Tri Handoko']),
      v('Sidamulya Wetan', 'Sidareja', ['Endang Sulastri', 'Bambang Purnomo', 'Umi Kulsum']),
      v('Pesanggrahan Lor', 'Majenang', ['Wahyu Nugroho', 'Kartini Rahayu', 'Suparno Adi']),
    ],
    csos: [
      c('Yayasan Pesisir Berdaya Cilacap'),
      c('Perkumpulan Jaringan Warga Banyumasan Cilacap'),
      c('Lembaga Advokasi Anggaran Desa Cilacap'),
    ],
  },
  {
    name: 'Grobogan',
    province: 'Jawa Tengah',
    code: '33.15',
    operator: 'b-trust',
    coordinator: p('Hadi Santoso'),
    villages: [
      v('Sumberrejo Kidul', 'Wirosari', ['Sutrisno Hadi', 'Siti Aminah', 'Joko Susilo']),
      v('Tambakmulyo Wetan', 'Gubug', ['Sri Mulyani', 'Eko Prasetyo', 'Nur Khasanah']),
      v('Ngrandu Lor', 'Toroh', ['Agus Widodo', 'Puji Astuti', 'Muhammad Arifin']),
    ],
    csos: [
      c('Yayasan Tani Makmur Grobogan'),
      c('Perkumpulan Suara Perempuan Desa Grobogan'),
      c('Lembaga Pengembangan Partisipasi Warga Grobogan'),
    ],
  },
  {
    name: 'Berau',
    province: 'Kalimantan Timur',
    code: '64.05',
    operator: 'kpri',
    coordinator: p('Mega Kartika'),
    villages: [
      v('Tanjung Melati', 'Talisayan', ['Rahmawati Said', 'Yohanes Lahang', 'Ardiansyah Putra']),
      v('Tepian Lestari', 'Sambaliung', ['Hasnah Baco', 'Markus Ding', 'Fitriani Idris']),
      v('Pulau Bakau Indah', 'Biduk-Biduk', ['Syamsul Bahri', 'Nurul Hidayah', 'Andi Irawan']),
    ],
    csos: [
      c('Yayasan Kampung Lestari Berau'),
      c('Perkumpulan Pemuda Pesisir Berau'),
      c('Lembaga Pemberdayaan Masyarakat Kampung Berau'),
    ],
  },
  {
    name: 'Bulungan',
    province: 'Kalimantan Utara',
    code: '65.02',
    operator: 'kpri',
    coordinator: p('Yusuf Hidayat'),
    villages: [
      v('Tanjung Mekar Sari', 'Tanjung Palas', ['Herlina Usat', 'Paulus Ajang', 'Sitti Rahmah']),
      v('Bekiliu Baru', 'Sekatak', ['Bahtiar Effendi', 'Maria Ului', 'Rizal Fahmi']),
      v('Long Sayan Hilir', 'Peso', ['Yosef Lawing', 'Ernawati Saleh', 'Gusti Hamdani']),
    ],
    csos: [
      c('Yayasan Sungai Kayan Berdaya'),
      c('Perkumpulan Warga Kampung Bulungan'),
      c('Lembaga Kajian Pembangunan Desa Bulungan'),
    ],
  },
  {
    name: 'Lombok Tengah',
    province: 'Nusa Tenggara Barat',
    code: '52.02',
    operator: 'kpri',
    coordinator: p('Ratna Wulandari'),
    villages: [
      v('Jurang Jaler Lauq', 'Praya', ['Lalu Ahmad Zaini', 'Baiq Nurul Aini', 'Muhammad Sahril']),
      v('Mertak Baru', 'Pujut', ['Baiq Rahmawati', 'Lalu Suparman', 'Siti Nurjanah']),
      v('Aik Bukak Daye', 'Batukliang', ['Zulkarnain Hamid', 'Baiq Mulianah', 'Lalu Hamdi']),
    ],
    csos: [
      c('Yayasan Gawe Desa Lombok Tengah'),
      c('Perkumpulan Sasak Berdaya Lombok Tengah'),
      c('Lembaga Pemantau Dana Desa Lombok Tengah'),
    ],
  },
  {
    name: 'Sumbawa',
    province: 'Nusa Tenggara Barat',
    code: '52.04',
    operator: 'kpri',
    coordinator: p('Fajar Ramadhan'),
    villages: [
      v('Moyo Mekar', 'Moyo Hilir', ['Syarifuddin Jarot', 'Nurhayati Amir', 'Irwan Sukardi']),
      v('Lape Bangkit', 'Lape', ['Sri Hartini', 'Abdul Gani', 'Rosmiati Hasan']),
      v('Empang Bawa', 'Empang', ['Junaidi Ahmad', 'Hairunnisa Rahman', 'Zainuddin Malik']),
    ],
    csos: [
      c('Yayasan Samawa Mandiri'),
      c('Perkumpulan Tau Samawa Berdaya'),
      c('Lembaga Kajian Anggaran Desa Sumbawa'),
    ],
  },
  {
    name: 'Sumbawa Barat',
    province: 'Nusa Tenggara Barat',
    code: '52.07',
    operator: 'kpri',
    coordinator: p('Indah Permatasari'),
    villages: [
      v('Kertasari Baru', 'Taliwang', ['Suhardi Mahmud', 'Yuliana Safitri', 'Amiruddin Usman']),
      v('Goa Bangkit', 'Jereweh', ['Nurlaila Husain', 'Fathurrahman Idrus', 'Sumarni Yusuf']),
      v('Seteluk Tengah', 'Seteluk', ['Firmansyah Lukman', 'Wahidah Sari', 'Khairul Anwar']),
    ],
    csos: [
      c('Yayasan Desa Berdaya Sumbawa Barat'),
      c('Perkumpulan Perempuan Pesisir Sumbawa Barat'),
      c('Lembaga Pendamping Desa Taliwang'),
    ],
  },
];

/** The Training of Trainers for civil-society organisations in Nusa Tenggara Barat. */
export const NTB_TOT = {
  title: 'Training of Trainers for civil-society organisations in Nusa Tenggara Barat',
  titleId: 'Pelatihan untuk Pelatih (Training of Trainers) bagi organisasi masyarakat sipil di Nusa Tenggara Barat',
  start: '2021-09-16',
  end: '2021-09-19',
  venue: 'Hotel Montana Senggigi',
  venueDistrict: 'Lombok Barat',
  province: 'Nusa Tenggara Barat' as ProvinceName,
  focus: ['district and village planning and budgeting systems', 'developing resource centres'],
  focusId: ['sistem perencanaan dan penganggaran daerah dan desa', 'pengembangan pusat sumber belajar (resource centre)'],
} as const;
