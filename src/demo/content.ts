/**
 * Discussion and resource content of the demo data set (Indonesian). Threads name their authors
 * by slot, filled per circle by src/demo/seed.ts:
 * - district circles: `pc` program coordinator, `dc` district coordinator, `f0`..`f8` the
 *   district's facilitators (f0-f2 work in village 0, f3-f5 in village 1, f6-f8 in village 2;
 *   f0, f3, f6 are the admins of their organisation);
 * - the NTB Training of Trainers circle: `pc`, `d0`..`d2` the coordinators of Lombok Tengah,
 *   Sumbawa and Sumbawa Barat, `t0`..`t8` one participant from each NTB organisation
 *   (t0-t2 Lombok Tengah, t3-t5 Sumbawa, t6-t8 Sumbawa Barat).
 * Placeholders: {kab} district, {prov} province, {v0}-{v2} villages, {k0}-{k2} their kecamatan,
 * {org:<slot>} the organisation a member takes part for.
 */

export interface PostTemplate {
  author: string;
  body: string;
  /** Index of an earlier top-level post of the same thread this post replies to. */
  replyTo?: number;
  /** Fixed time (ISO with offset); otherwise hours after the previous post. */
  at?: string;
}

export interface ThreadTemplate {
  key: string;
  /** Local date the thread starts (district circles add a few days of jitter). */
  anchor: string;
  /** Fixed start time (ISO with offset) for threads tied to an event. */
  at?: string;
  author: string;
  title: string;
  body: string;
  goals: number[];
  pinned?: boolean;
  posts: PostTemplate[];
}

export const DISTRICT_THREADS: readonly ThreadTemplate[] = [
  {
    key: 'rkpdes-2022',
    anchor: '2021-08-02',
    author: 'f0',
    title: 'Jadwal Musdes penyusunan RKPDes 2022 di desa dampingan',
    body:
      'Rekan-rekan, mari kita kumpulkan jadwal Musyawarah Desa (Musdes) penyusunan RKPDes 2022 di {v0}, {v1} dan {v2}. ' +
      'Penyusunan RKPDes dimulai bulan Juli dan rancangannya ditetapkan paling lambat akhir September, jadi waktunya tidak banyak. ' +
      'Mohon tuliskan tanggal, tempat dan siapa saja yang diundang.',
    goals: [16, 17, 18],
    posts: [
      {
        author: 'f1',
        body:
          'Desa {v0}: Musdes direncanakan minggu ketiga Agustus di balai desa. Tim penyusun RKPDes sudah dibentuk dengan SK kepala desa, ' +
          'tetapi keterwakilan perempuan baru dua orang dari sembilan.',
      },
      {
        author: 'f3',
        body:
          'Desa {v1} masih menunggu hasil pencermatan ulang RPJMDes. Kepala desa ingin Musdes digabung dengan sosialisasi pemutakhiran ' +
          'data SDGs Desa supaya warga tidak dua kali diundang.',
      },
      {
        author: 'dc',
        replyTo: 1,
        body:
          'Menggabungkan boleh saja, asal agenda penetapan prioritas tidak tergesa-gesa. Usulkan sesi terpisah untuk membaca data ' +
          'SDGs Desa sebelum daftar usulan kegiatan disusun.',
      },
      {
        author: 'f6',
        body:
          'Desa {v2}: Musdes tanggal 26 Agustus. Kami membantu BPD menyiapkan undangan untuk kelompok perempuan, pemuda dan ' +
          'penyandang disabilitas.',
      },
      {
        author: 'f0',
        replyTo: 0,
        body:
          'Terima kasih. Untuk {v0}, coba dorong agar kader posyandu dan kelompok wanita tani diundang sebagai peserta yang ' +
          'berbicara, bukan hanya mengisi daftar hadir.',
      },
    ],
  },
  {
    key: 'data-sdgs-desa',
    anchor: '2021-10-11',
    author: 'dc',
    title: 'Memakai data SDGs Desa untuk menentukan prioritas kegiatan',
    body:
      'Pemutakhiran data SDGs Desa tahun ini sudah berjalan di desa-desa dampingan. Bagaimana pengalaman rekan-rekan membawa ' +
      'hasil pendataan itu ke dalam pembahasan prioritas RKPDes dan APBDes? Apa kendalanya?',
    goals: [1, 3, 17, 18],
    posts: [
      {
        author: 'f4',
        body:
          'Di {v1} pendataan keluarga hampir selesai, tetapi operator desa hanya satu orang dan sinyal internet sering putus, ' +
          'jadi unggahan data tertunda.',
      },
      {
        author: 'f7',
        body:
          'Kami di {v2} membuat ringkasan satu halaman per tujuan SDGs Desa: berapa keluarga tanpa akses air bersih, berapa anak ' +
          'tidak sekolah. Ringkasan ini dibacakan di Musdes dan diskusinya jadi jauh lebih fokus.',
      },
      { author: 'f0', replyTo: 1, body: 'Ide bagus. Boleh dibagikan format ringkasannya? Kami mau mencobanya di {v0}.' },
      {
        author: 'f7',
        replyTo: 1,
        body:
          'Nanti saya unggah ke pusat sumber belajar. Isinya sederhana: tujuan, indikator, angka desa, dan usulan kegiatan yang terkait.',
      },
      {
        author: 'pc',
        body:
          'Catatan dari koordinator program: data SDGs Desa sebaiknya dipakai untuk memeriksa apakah usulan kegiatan menjawab ' +
          'masalah yang paling banyak dialami warga, bukan sekadar dilampirkan di dokumen.',
      },
    ],
  },
  {
    key: 'apbdes-2022',
    anchor: '2021-11-22',
    author: 'f3',
    title: 'Dana Desa 2022: menyusun APBDes ketika prioritas berubah',
    body:
      'Pagu indikatif Dana Desa 2022 sudah keluar, dan sebagian sudah ditentukan penggunaannya, antara lain untuk BLT Desa dan ' +
      'ketahanan pangan. Bagaimana desa-desa di {kab} menyesuaikan rancangan APBDes 2022 tanpa menghapus kegiatan yang sudah ' +
      'disepakati di Musdes?',
    goals: [1, 2, 8, 17],
    posts: [
      {
        author: 'f5',
        body:
          'Di {v1} beberapa kegiatan fisik terpaksa digeser ke tahun berikutnya. Kami mendampingi BPD supaya perubahan itu dicatat ' +
          'dalam berita acara dan dijelaskan kembali kepada warga.',
      },
      {
        author: 'dc',
        body:
          'Pemerintah Kabupaten {kab} berencana mengadakan asistensi penyusunan APBDes di tiap kecamatan. Saya akan minta agar ' +
          'fasilitator dari lembaga mitra boleh ikut hadir.',
      },
      {
        author: 'f1',
        replyTo: 1,
        body:
          'Setuju. Kalau bisa, jadwal asistensi untuk Kecamatan {k0} diinformasikan seminggu sebelumnya supaya kami sempat ' +
          'menyiapkan catatan.',
      },
      {
        author: 'f8',
        body:
          'Usul: kita buat daftar periksa sederhana untuk membandingkan rancangan APBDes dengan daftar prioritas hasil Musdes. ' +
          'Kalau ada kegiatan prioritas yang hilang, kita tanyakan alasannya.',
      },
    ],
  },
  {
    key: 'musrenbang',
    anchor: '2022-01-24',
    author: 'dc',
    title: 'Musrenbang kecamatan: mengawal usulan desa sampai RKPD kabupaten',
    body:
      'Musrenbang kecamatan untuk RKPD {kab} 2023 mulai berlangsung bulan depan. Banyak usulan desa yang bukan kewenangan desa, ' +
      'misalnya jalan kabupaten dan rehabilitasi gedung sekolah. Mari kita petakan usulan mana yang perlu dikawal dan siapa ' +
      'yang bisa kita ajak bicara di Bappeda.',
    goals: [9, 16, 17],
    posts: [
      {
        author: 'f2',
        body:
          'Usulan dari {v0} yang paling penting adalah perbaikan jembatan penghubung ke pasar. Sudah tiga tahun diusulkan tetapi ' +
          'belum pernah masuk.',
      },
      {
        author: 'f6',
        body:
          'Kami menyarankan delegasi desa untuk Musrenbang Kecamatan {k2} tidak hanya kepala desa, tetapi juga satu perwakilan ' +
          'perempuan dan satu perwakilan pemuda.',
      },
      {
        author: 'dc',
        replyTo: 0,
        body:
          'Tolong lengkapi dengan data pendukung: jumlah warga yang memakai jembatan dan jarak tempuh jalur lain. Usulan dengan ' +
          'data lebih mudah dibela di forum perangkat daerah.',
      },
      {
        author: 'f2',
        replyTo: 0,
        body: 'Siap, kami minta bantuan karang taruna untuk menghitung lalu lintas warga selama seminggu.',
      },
      {
        author: 'pc',
        body:
          'Hasil pemetaan ini bisa menjadi bahan lingkar belajar bulan depan bersama perwakilan Pemerintah Kabupaten {kab}.',
      },
    ],
  },
  {
    key: 'inklusi-musdes',
    anchor: '2022-03-14',
    author: 'f4',
    title: 'Partisipasi perempuan dan kelompok rentan dalam Musdes',
    body:
      'Berbagi pengalaman: apa yang berhasil membuat perempuan, penyandang disabilitas dan warga miskin benar-benar berbicara ' +
      'di Musdes, bukan hanya hadir dan menandatangani daftar hadir?',
    goals: [5, 10, 16],
    posts: [
      {
        author: 'f1',
        body:
          'Di {v0} kami mengadakan musyawarah dusun khusus perempuan seminggu sebelum Musdes. Hasilnya dibawa oleh tiga perwakilan ' +
          'yang dipilih sendiri oleh peserta.',
      },
      {
        author: 'f7',
        body:
          'Waktu dan tempat itu penting. Musdes di {v2} dulu selalu malam hari; setelah dipindah ke Minggu siang, jumlah peserta ' +
          'perempuan naik hampir dua kali lipat.',
      },
      { author: 'f4', replyTo: 0, body: 'Apakah usulan dari musyawarah khusus itu benar-benar masuk daftar prioritas?' },
      {
        author: 'f1',
        replyTo: 0,
        body:
          'Dua dari lima usulan masuk, termasuk kelas ibu hamil dan pelatihan pengolahan hasil panen. Sisanya dicatat untuk ' +
          'tahun berikutnya.',
      },
      {
        author: 'f5',
        body:
          'Untuk penyandang disabilitas, kami mulai dengan mendata siapa saja dan apa kebutuhannya, bekerja sama dengan kader posyandu.',
      },
      {
        author: 'dc',
        body:
          'Praktik-praktik ini layak ditulis sebagai cerita perubahan singkat untuk pusat sumber belajar. Siapa yang bersedia menulis?',
      },
    ],
  },
  {
    key: 'transparansi-apbdes',
    anchor: '2022-05-09',
    author: 'f6',
    title: 'Transparansi APBDes: baliho, papan informasi dan grup WhatsApp warga',
    body:
      'Setelah APBDes 2022 ditetapkan, bagaimana desa dampingan menyampaikannya kepada warga? Mari berbagi contoh media ' +
      'informasi yang mudah dipahami.',
    goals: [16],
    posts: [
      {
        author: 'f8',
        body:
          '{v2} memasang baliho APBDes di depan kantor desa dan di pasar. Warga paling sering bertanya tentang BLT Desa dan ' +
          'anggaran posyandu.',
      },
      {
        author: 'f3',
        body:
          'Di {v1} baliho sudah ada, tetapi tulisannya terlalu kecil. Kami membantu operator desa membuat infografis sederhana ' +
          'untuk dibagikan di grup WhatsApp RT.',
      },
      { author: 'f0', replyTo: 1, body: 'Boleh minta templat infografisnya? Kami sesuaikan untuk {v0}.' },
    ],
  },
  {
    key: 'review-rpjmdes',
    anchor: '2022-08-15',
    author: 'dc',
    title: 'Review RPJMDes di tengah periode dengan indikator SDGs Desa',
    body:
      'Beberapa desa dampingan akan meninjau RPJMDes-nya. Ini kesempatan untuk menyelaraskan visi, misi dan arah kebijakan desa ' +
      'dengan tujuan SDGs Desa. Siapa yang sudah memulai, dan bagaimana prosesnya?',
    goals: [17, 18],
    posts: [
      {
        author: 'f0',
        body:
          'Di {v0} tim penyusun memakai matriks sederhana: setiap program RPJMDes dipasangkan dengan tujuan SDGs Desa yang paling ' +
          'dekat. Ternyata ada tujuan yang belum tersentuh sama sekali, misalnya desa peduli lingkungan.',
      },
      {
        author: 'f5',
        body:
          'Kami masih menunggu Peraturan Bupati tentang pedoman review RPJMDes. Sementara itu kami mengumpulkan data capaian ' +
          'tiga tahun terakhir.',
      },
      {
        author: 'dc',
        replyTo: 1,
        body:
          'Sambil menunggu, data capaian itu sudah sangat berguna. Cocokkan dengan realisasi APBDes supaya kelihatan kegiatan ' +
          'mana yang berjalan dan mana yang hanya direncanakan.',
      },
      { author: 'pc', body: 'Matriks dari {v0} akan kami bagikan juga di lingkar belajar kabupaten lain sebagai contoh.' },
    ],
  },
];

/** Only in the circles of the three NTB districts whose organisations attended the ToT. */
export const NTB_FOLLOW_UP_THREAD: ThreadTemplate = {
  key: 'tot-tindak-lanjut',
  anchor: '2021-10-04',
  author: 'dc',
  title: 'Tindak lanjut ToT NTB: pusat sumber belajar di {kab}',
  body:
    'Setelah Training of Trainers di Hotel Montana Senggigi, setiap lembaga mitra di {kab} sepakat menyiapkan pusat sumber ' +
    'belajar (resource centre) tentang perencanaan dan penganggaran desa. Mari kita susun langkah pertamanya di sini.',
  goals: [4, 17],
  posts: [
    {
      author: 'f0',
      body:
        'Usul langkah pertama: kumpulkan dokumen RPJMDes, RKPDes dan APBDes dari ketiga desa dampingan, lalu simpan dengan ' +
        'nama berkas yang seragam.',
    },
    {
      author: 'f3',
      body:
        'Kami bisa menyediakan satu ruangan di sekretariat {org:f3} untuk buku dan dokumen cetak. Yang daring cukup di hub ini.',
    },
    { author: 'dc', replyTo: 0, body: 'Setuju. Saya siapkan daftar dokumen minimal dan contoh penamaan berkas minggu ini.' },
    {
      author: 'f6',
      body:
        'Materi ToT tentang sistem perencanaan dan penganggaran sudah kami tulis ulang dengan bahasa yang lebih sederhana untuk ' +
        'aparat desa. Akan kami bagikan setelah diperiksa.',
    },
  ],
};

export const TOT_THREADS: readonly ThreadTemplate[] = [
  {
    key: 'tot-pengumuman',
    anchor: '2021-09-06',
    at: '2021-09-06T09:00:00+08:00',
    author: 'pc',
    pinned: true,
    title: 'Training of Trainers NTB, 16–19 September 2021, Hotel Montana Senggigi',
    body:
      'Pelatihan untuk pelatih (Training of Trainers) bagi organisasi masyarakat sipil mitra PEDULI SDGs di Nusa Tenggara Barat ' +
      'berlangsung 16–19 September 2021 di Hotel Montana Senggigi, Lombok Barat. Fokusnya dua: sistem perencanaan dan ' +
      'penganggaran daerah dan desa, serta pengembangan pusat sumber belajar (resource centre). Peserta berasal dari lembaga ' +
      'mitra di Lombok Tengah, Sumbawa dan Sumbawa Barat. Mohon konfirmasi kehadiran di utas ini.',
    goals: [16, 17],
    posts: [
      {
        author: 't3',
        at: '2021-09-07T10:15:00+08:00',
        body:
          'Konfirmasi hadir dari {org:t3}. Kami berangkat tanggal 15 dan menyeberang dari Poto Tano ke Kayangan.',
      },
      {
        author: 't0',
        at: '2021-09-07T14:40:00+08:00',
        body: 'Konfirmasi hadir dari {org:t0}. Apakah peserta perlu membawa dokumen perencanaan desa dampingan?',
      },
      {
        author: 'pc',
        replyTo: 1,
        at: '2021-09-08T08:30:00+08:00',
        body:
          'Ya, mohon bawa RPJMDes, RKPDes dan APBDes terbaru dari satu desa dampingan. Dokumen itu dipakai dalam latihan analisis ' +
          'pada hari kedua.',
      },
      {
        author: 't6',
        at: '2021-09-09T11:05:00+08:00',
        body:
          'Konfirmasi hadir dari {org:t6}. Salah satu peserta kami sedang menyusui; mohon disediakan ruang laktasi.',
      },
      {
        author: 'pc',
        replyTo: 3,
        at: '2021-09-10T09:20:00+08:00',
        body: 'Sudah kami sampaikan ke panitia; ruang laktasi tersedia di lantai yang sama dengan ruang pelatihan.',
      },
      {
        author: 'd0',
        at: '2021-09-20T16:00:00+08:00',
        body:
          'Terima kasih untuk semua peserta. Rencana tindak lanjut tiap kabupaten kita lanjutkan di lingkar belajar masing-masing; ' +
          'notulensi dan materi sudah diunggah ke pusat sumber belajar.',
      },
    ],
  },
  {
    key: 'tot-sesi-perencanaan',
    anchor: '2021-09-17',
    at: '2021-09-17T19:30:00+08:00',
    author: 'd1',
    title: 'Catatan sesi: sistem perencanaan dan penganggaran daerah dan desa',
    body:
      'Ringkasan sesi hari kedua ToT: alur dari RPJMDes ke RKPDes dan APBDes, kaitannya dengan Musrenbang kecamatan dan RKPD ' +
      'kabupaten, serta titik-titik di mana organisasi masyarakat sipil bisa mendampingi warga.',
    goals: [16, 17],
    posts: [
      {
        author: 't4',
        body:
          'Bagian yang paling membuka mata bagi kami: jadwal perencanaan kabupaten dan desa saling menunggu. Kalau desa terlambat ' +
          'menetapkan RKPDes, usulannya sulit masuk ke Musrenbang kecamatan.',
      },
      { author: 't7', body: 'Latihan membaca APBDes sangat membantu. Kami akan mengulangnya bersama BPD di desa dampingan.' },
      {
        author: 'd1',
        replyTo: 0,
        body: 'Betul. Karena itu kalender perencanaan akan menjadi salah satu isi pertama pusat sumber belajar.',
      },
    ],
  },
  {
    key: 'tot-resource-centre',
    anchor: '2021-09-21',
    at: '2021-09-21T10:00:00+08:00',
    author: 'pc',
    title: 'Rancangan pusat sumber belajar (resource centre) lembaga mitra NTB',
    body:
      'Hari terakhir ToT menghasilkan gagasan pusat sumber belajar di tiap kabupaten. Apa yang perlu ada di dalamnya, dan ' +
      'siapa yang mengelolanya?',
    goals: [4, 17],
    posts: [
      {
        author: 't1',
        body:
          'Minimal: dokumen perencanaan desa dampingan, regulasi yang sering dipakai, templat, dan cerita praktik baik dari desa.',
      },
      {
        author: 't5',
        body:
          'Pengelolaannya bergiliran antarlembaga mitra di tiap kabupaten, dengan satu penanggung jawab yang ditunjuk tiap semester.',
      },
      {
        author: 'pc',
        replyTo: 1,
        body: 'Usul bergiliran ini bagus. Mari kita uji selama satu semester lalu kita evaluasi di lingkar belajar.',
      },
      {
        author: 't8',
        body:
          'Kami juga perlu versi cetak di kantor desa, karena tidak semua aparat desa nyaman membuka dokumen di ponsel.',
      },
    ],
  },
];

export interface ResourceTemplate {
  key: string;
  title: string;
  description: string;
  kind: 'DOCUMENT' | 'LINK' | 'TEMPLATE' | 'DATASET' | 'VIDEO' | 'TRAINING_MATERIAL' | 'REGULATION';
  /** Placeholder address: no real copy is linked from the demo. */
  url: string;
  createdAt: string;
  /** `pc`, or a district name for that district's coordinator. */
  sharedBy: string;
  /** Circle slugs, or 'districts' for every district circle. */
  circles: readonly string[];
  goals: number[];
}

const PLACEHOLDER = '(URL contoh / placeholder URL)';

export const RESOURCES: readonly ResourceTemplate[] = [
  {
    key: 'permendesa-13-2020',
    title: 'Permendesa PDTT No. 13 Tahun 2020 tentang Prioritas Penggunaan Dana Desa Tahun 2021',
    description:
      'Peraturan Menteri Desa, Pembangunan Daerah Tertinggal, dan Transmigrasi yang menetapkan prioritas penggunaan Dana Desa ' +
      `tahun 2021 dengan mengacu pada SDGs Desa. ${PLACEHOLDER}`,
    kind: 'REGULATION',
    url: 'https://example.org/peduli-sdgs/regulasi/permendesa-pdtt-13-2020',
    createdAt: '2021-07-20T09:00:00+07:00',
    sharedBy: 'pc',
    circles: ['districts'],
    goals: [1, 2, 3, 8, 17, 18],
  },
  {
    key: 'permendagri-114-2014',
    title: 'Permendagri No. 114 Tahun 2014 tentang Pedoman Pembangunan Desa',
    description:
      `Pedoman penyusunan RPJMDes dan RKPDes, termasuk tahapan Musyawarah Desa dan jadwal penetapan RKPDes. ${PLACEHOLDER}`,
    kind: 'REGULATION',
    url: 'https://example.org/peduli-sdgs/regulasi/permendagri-114-2014',
    createdAt: '2021-07-20T09:30:00+07:00',
    sharedBy: 'pc',
    circles: ['districts', 'lingkar-pelatih-tot-ntb'],
    goals: [16, 17],
  },
  {
    key: 'permendagri-20-2018',
    title: 'Permendagri No. 20 Tahun 2018 tentang Pengelolaan Keuangan Desa',
    description: `Acuan penyusunan, pelaksanaan, penatausahaan dan pertanggungjawaban APBDes. ${PLACEHOLDER}`,
    kind: 'REGULATION',
    url: 'https://example.org/peduli-sdgs/regulasi/permendagri-20-2018',
    createdAt: '2021-07-20T10:00:00+07:00',
    sharedBy: 'pc',
    circles: ['districts', 'lingkar-pelatih-tot-ntb'],
    goals: [16],
  },
  {
    key: 'perpres-59-2017',
    title: 'Perpres No. 59 Tahun 2017 tentang Pelaksanaan Pencapaian Tujuan Pembangunan Berkelanjutan',
    description:
      `Dasar pelaksanaan SDGs di Indonesia, termasuk peran pemerintah daerah dan organisasi masyarakat sipil. ${PLACEHOLDER}`,
    kind: 'REGULATION',
    url: 'https://example.org/peduli-sdgs/regulasi/perpres-59-2017',
    createdAt: '2021-07-21T09:00:00+07:00',
    sharedBy: 'pc',
    circles: ['lingkar-pelatih-tot-ntb', 'lbb-majalengka', 'lbb-cilacap', 'lbb-berau'],
    goals: [17],
  },
  {
    key: 'panduan-lbb',
    title: 'Panduan Fasilitasi Lingkar Belajar Bersama',
    description:
      'Panduan singkat menyelenggarakan lingkar belajar bersama organisasi masyarakat sipil, pemerintah kabupaten dan ' +
      `pemerintah desa: peran, agenda pertemuan, dan cara mencatat pembelajaran. Dokumen demo. ${PLACEHOLDER}`,
    kind: 'DOCUMENT',
    url: 'https://example.org/peduli-sdgs/panduan/fasilitasi-lingkar-belajar-bersama.pdf',
    createdAt: '2021-07-26T13:00:00+07:00',
    sharedBy: 'pc',
    circles: ['districts'],
    goals: [16, 17],
  },
  {
    key: 'template-rkpdes',
    title: 'Template RKPDes berbasis SDGs Desa',
    description:
      'Lembar kerja penyusunan RKPDes: daftar usulan kegiatan dari Musdes dipasangkan dengan tujuan SDGs Desa, sumber dana ' +
      `dan lokasi. Dokumen demo. ${PLACEHOLDER}`,
    kind: 'TEMPLATE',
    url: 'https://example.org/peduli-sdgs/template/rkpdes-sdgs-desa.xlsx',
    createdAt: '2021-08-03T10:00:00+07:00',
    sharedBy: 'pc',
    circles: ['districts'],
    goals: [17, 18],
  },
  {
    key: 'template-usulan-musdes',
    title: 'Template daftar usulan Musdes yang inklusif',
    description:
      'Formulir pencatatan usulan per kelompok warga (perempuan, pemuda, penyandang disabilitas, warga miskin) untuk dibawa ' +
      `ke Musdes. Dokumen demo. ${PLACEHOLDER}`,
    kind: 'TEMPLATE',
    url: 'https://example.org/peduli-sdgs/template/usulan-musdes-inklusif.docx',
    createdAt: '2021-08-10T15:00:00+07:00',
    sharedBy: 'Majalengka',
    circles: ['lbb-majalengka'],
    goals: [5, 10, 16],
  },
  {
    key: 'materi-tot-perencanaan',
    title: 'Materi ToT NTB: Sistem Perencanaan dan Penganggaran Daerah dan Desa',
    description:
      'Bahan tayang dan lembar latihan Training of Trainers NTB (Hotel Montana Senggigi, 16–19 September 2021): alur RPJMDes, ' +
      `RKPDes, APBDes, Musrenbang dan RKPD. ${PLACEHOLDER}`,
    kind: 'TRAINING_MATERIAL',
    url: 'https://example.org/peduli-sdgs/tot-ntb-2021/perencanaan-penganggaran.pdf',
    createdAt: '2021-09-19T17:00:00+08:00',
    sharedBy: 'pc',
    circles: ['lingkar-pelatih-tot-ntb', 'lbb-lombok-tengah', 'lbb-sumbawa', 'lbb-sumbawa-barat'],
    goals: [16, 17],
  },
  {
    key: 'materi-tot-resource-centre',
    title: 'Materi ToT NTB: Membangun Pusat Sumber Belajar (Resource Centre)',
    description:
      'Materi sesi pengembangan pusat sumber belajar di Training of Trainers NTB: isi minimal, pengelolaan bergiliran dan ' +
      `penamaan dokumen. ${PLACEHOLDER}`,
    kind: 'TRAINING_MATERIAL',
    url: 'https://example.org/peduli-sdgs/tot-ntb-2021/resource-centre.pdf',
    createdAt: '2021-09-19T17:30:00+08:00',
    sharedBy: 'pc',
    circles: ['lingkar-pelatih-tot-ntb', 'lbb-lombok-tengah', 'lbb-sumbawa', 'lbb-sumbawa-barat'],
    goals: [4, 17],
  },
  {
    key: 'contoh-data-sdgs-desa',
    title: 'Contoh ringkasan data SDGs Desa per tujuan (data fiktif)',
    description:
      'Contoh tabel ringkasan hasil pemutakhiran data SDGs Desa untuk dibacakan di Musdes. Angka-angkanya fiktif, hanya untuk ' +
      `latihan. ${PLACEHOLDER}`,
    kind: 'DATASET',
    url: 'https://example.org/peduli-sdgs/data/contoh-ringkasan-sdgs-desa.csv',
    createdAt: '2021-10-18T11:00:00+07:00',
    sharedBy: 'Grobogan',
    circles: ['lbb-grobogan'],
    goals: [1, 3, 4, 6, 18],
  },
  {
    key: 'video-membaca-apbdes',
    title: 'Video: Membaca APBDes dalam 10 menit',
    description:
      `Video pendek untuk warga dan BPD tentang cara membaca pendapatan, belanja dan pembiayaan dalam APBDes. ${PLACEHOLDER}`,
    kind: 'VIDEO',
    url: 'https://example.org/peduli-sdgs/video/membaca-apbdes',
    createdAt: '2022-02-07T10:00:00+08:00',
    sharedBy: 'Sumbawa',
    circles: ['lbb-sumbawa'],
    goals: [16],
  },
];
